"""Running a case: parameters, staged outputs, the notebook pipeline, verification, scaffolding."""
