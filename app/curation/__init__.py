"""The curator's path: a report's text as published, drafted into a seed folder to review.

- `cleaning`: the repairs the seeds document (escaped dollars, link stubs, mojibake)
- `layout`: the published layout read block by block (paragraphs, headings, quotes, attributions)
- `structure`: sections from the table of contents, layers and their texts
- `body`: a layer section's themes and quotes
- `attributions`: an attribution line turned into an interview and its stakeholder type
- `vocabulary`: the shared layers and types a draft is written against
- `records`: the draft's records, each with its `review:` notes
- `draft`: the recipe that runs them in order
- `documents`, `writing`: the seed files of a draft, and writing them without clobbering a
  curator's edits

No HTTP and no SQL here: a draft is files for a person to read.
"""
