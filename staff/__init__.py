"""The staff side: a small web application and a command line to review logged signals.

It runs apart from the public chat but on the same database (``wijkveiligheid.storage``):
``python -m staff start`` serves the page, ``python -m staff --help`` lists the commands.
"""
