"""Linking clinic sites to registry facilities: Japanese name/address normalisation, candidates,
explainable features and scores, decisions with their explanations, analysts' judgements.

Entry points: `matcher.link.link_run` / `link_crawl` (Link rows), `matcher.search.search_registry`
(`clinicwatch check --name`), `matcher.judgements.judge` / `undo` / `active_judgements`.
Pure parts, usable without a database: `matcher.query.make_query` / `make_facility`,
`matcher.candidates.CandidateIndex`, `matcher.score.score_pair` / `decide`.
"""
