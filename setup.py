"""The optional C extension (crossops._fastpath); everything else is in pyproject.toml.

Without a C compiler the build skips it and crossops runs its pure-Python dispatch.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("crossops._fastpath", ["src/crossops/_fastpath.c"],
                             optional=True)])
