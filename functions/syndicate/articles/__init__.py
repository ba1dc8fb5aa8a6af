"""Articles: what publishers push, from contract to storage, on plain values."""
