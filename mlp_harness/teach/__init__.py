"""What a learner reads: formulas with the numbers in place (explain, expression) and classic mistakes (mutants)."""
