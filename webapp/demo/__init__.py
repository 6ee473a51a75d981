"""The demo commune: Thanh Xá and its 2023 plan (``flask --app webapp seed-demo``)."""
