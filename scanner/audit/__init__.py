"""``dingmi audit``: the run (:mod:`.run`), its state database (:mod:`.db`), the ledger and
run-level outputs (:mod:`.ledger`, :mod:`.outputs`) and the summary page (:mod:`.summary`)."""
