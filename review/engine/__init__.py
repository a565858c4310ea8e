"""Offline suggestion-engine core: intent classifier, language, slots and risk flags.

Plain Python with no Django imports so it can be tested and benchmarked in isolation.
"""
