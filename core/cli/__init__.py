"""The command line: argument parsing (standard library only) and the commands, each a thin call of an
operation."""
