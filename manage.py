#!/usr/bin/env python
"""Django's manage.py; `tongxin` is the same command installed on the PATH."""

from tongxin.cli import main

if __name__ == "__main__":
    main()
