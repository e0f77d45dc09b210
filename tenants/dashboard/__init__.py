"""The tenant's home: figures, filters, empty states, exports."""
