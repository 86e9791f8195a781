"""Qt adapters of the domain model: windows, table models, delegates, undo commands."""
