"""``netwarden init``: the files that make a company repository run netwarden in GitHub."""
