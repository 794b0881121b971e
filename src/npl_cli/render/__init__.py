"""Everything that draws on a terminal: rich lives here and nowhere else."""
