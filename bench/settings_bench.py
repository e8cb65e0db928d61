"""Settings of the gunicorn that bench/bench_tiles.py drives: the project's, without the tiles'
rate limit (every request of a benchmark comes from the same address)."""

from chauffage.settings import *  # noqa: F403

RATELIMIT_TILES = "1000000000/60"
