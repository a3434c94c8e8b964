"""The shorts recipe's stages: sentences, clip candidates, scoring and the plan (``plan.json``)."""
