"""Building and shipping the course: release and export from source/, the student wheel and zip,
the simulated class and the demo."""
