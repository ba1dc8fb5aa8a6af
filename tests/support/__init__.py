"""Test support: the template-built moto stack, events from events/, a clock tests control."""
