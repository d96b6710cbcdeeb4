"""同心 (tongxin): the open platform for CPPCC committees and their offices."""
