class FlyteFile:
    """Stand-in for flytekit.types.file.FlyteFile."""
