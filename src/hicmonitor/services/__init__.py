"""The users' questions as plain functions returning plain data (dataclasses, frames, dicts).

The CLI and the web are thin renderers over these: they call a service and print or render
what it returns. Services ask the store (:mod:`hicmonitor.store`) and hand frames to the
analysis (:mod:`hicmonitor.analysis`); they never print.
"""
