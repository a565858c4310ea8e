"""Offline suggestion-engine core: intent classifier, language, slots and risk flags.

Plain Python with no Django imports so it can be tested and benchmarked in isolation.
`interface` is the engine's small public surface (train, predict, save/load, analyse, draft);
`classifier` the two engines' pipelines (`tfidf`, `hybrid`), `intent_classifier` the calibrated
classifier that fits, predicts and serialises them, `calibration` the thresholds chosen from
data, `embeddings` and `wordpiece` the optional sentence embeddings. See docs/engine.md.
"""
