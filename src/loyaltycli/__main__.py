from loyaltycli.start import main

main()
