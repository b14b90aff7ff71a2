"""The demo inspections' scenarios: what the team wrote and found in each (synthetic)."""
