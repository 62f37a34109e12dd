"""Run both twins from the same weights and compare every quantity: run, compare, tolerance, files, table."""
