"""The trusted core that grading needs, and that the student wheel ships: the engine (pytest over
spec modules), its plugin, the comparisons the specs use, results, what the specs see of a
submission, the course layout, and the words the engine writes."""
