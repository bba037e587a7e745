"""``dingmi watch``: its configuration (:mod:`.config`), settling (:mod:`.settle`), the state
database (:mod:`.state`), what is done with a scanned file (:mod:`.handle`) and the watcher
(:mod:`.watcher`)."""
