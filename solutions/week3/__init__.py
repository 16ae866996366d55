"""Reference solutions, generated from source/: never released."""
