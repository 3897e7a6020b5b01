"""The demo company held as data: who works there, what customers tell them, which meetings they
run and which metrics they watch. The code that writes it lives beside this package, by area."""
