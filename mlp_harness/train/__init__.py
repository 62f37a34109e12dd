"""The lab's training loop in lockstep: training, datasets, plotting, the report and the progress bar."""
