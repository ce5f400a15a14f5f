"""Reading sales exports: files, encodings, delimiters, presets of real tills and web shops.

Data flows: `csvfile.open_sales` checks and sniffs the file and yields raw
rows; a `formats.Format` maps each row's columns onto the fields of SPEC §4
and parses them (`values`); `services.imports` groups rows into receipts and
books them with the same planner as `purchase`.
"""
