"""Measuring the course: model benchmarks, grading speed and memory, browser screenshots."""
