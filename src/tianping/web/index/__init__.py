"""The Machine Responsibility Index on the platform: evidence collected from what the platform
holds, signed and ledgered scorecards with the owner's reply, two raters per human-rated
indicator, energy reports, the methodology page and rankings within a jurisdiction."""
