"""python -m cartkg: the same as the cartkg command."""

from cartkg.cli import app

app(prog_name="cartkg")
