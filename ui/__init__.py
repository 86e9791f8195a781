"""Qt adapters of the domain model: windows, table models, delegates, undo commands.

The application's entry point (:func:`ui.app.run_gui`) applies :mod:`ui.qtfix` once, before the
first QApplication; importing this package loads no Qt (the command line stays light).
"""
