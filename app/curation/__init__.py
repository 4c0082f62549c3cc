"""The curator's path: a new report from its text as published to a reviewed seed folder, and
a seed tree checked before it is loaded. No HTTP and no SQL here: a draft is files for a person
to read.

- `scaffold`: a new report's folder from commented templates (`insights new-report`)
- `check`: a seed tree validated without a database (`insights check`)
- `cleaning`: the repairs the seeds document (escaped dollars, link stubs, mojibake)
- `layout`: the published layout read block by block (paragraphs, headings, quotes, attributions)
- `structure`: sections from the table of contents, layers and their texts
- `body`: a layer section's themes and quotes
- `attributions`: an attribution line turned into an interview and its stakeholder type
- `vocabulary`: the shared layers and types a draft is written against
- `records`: the draft's records, each with its `review:` notes
- `draft`: the recipe that runs them in order (`insights draft`)
- `documents`, `writing`: the seed files of a draft, and writing them without clobbering a
  curator's edits
"""
