"""The counter screen (`loyalty counter`, SPEC §7): the only package that imports Textual."""
