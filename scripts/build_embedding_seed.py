"""Ship the vectors every first start needs: taxonomy anchors and the bundled sample (its
participants, hosts and KA2 organisations).

A cold first start would otherwise encode the 3,658 ESCO occupations (label and description)
and the 651 NACE classes before showing anything: minutes on two cores with the multilingual
model. For each bundled model this fits the engine on the sample, records every text it
encodes, and writes them as ``data/embeddings/emb_<model hash>.npz`` (float16), which
``CachedEncoder`` reads before encoding. Re-run after changing how the engine builds texts
or after a model upgrade (a seed for another model identity is ignored, never wrong).

Run: ``python scripts/build_embedding_seed.py``.
"""

from __future__ import annotations

from matcher import Config, Matcher, load_hosts, load_participants
from matcher._config import BUNDLED_MODEL, MULTILINGUAL_MODEL
from matcher.encode import make_encoder, seed_path, write_seed
from matcher.io import load_organisations
from matcher.partners import PartnerFinder
from matcher.taxonomy import data_dir, sample_dir


class Recorder:
    """An encoder that remembers every text it was asked for."""

    def __init__(self, encoder):
        self.encoder, self.texts = encoder, []
        self.identity, self.dim = encoder.identity, encoder.dim
        self.similarity_range = getattr(encoder, "similarity_range", None)
        self.centred_range = getattr(encoder, "centred_range", None)

    def encode(self, texts):
        self.texts += list(texts)
        return self.encoder.encode(texts)


def main() -> None:
    participants = load_participants(sample_dir() / "participants.csv")
    hosts = load_hosts(sample_dir() / "hosts.csv")
    organisations = load_organisations(sample_dir() / "organisations.csv")
    for model in (MULTILINGUAL_MODEL, BUNDLED_MODEL):
        config = Config.from_env(model=model)
        encoder = make_encoder(config)
        recorder = Recorder(encoder)
        Matcher(config, encoder=recorder).fit(participants, hosts)
        PartnerFinder(config, encoder=recorder).fit(organisations)
        path = seed_path(data_dir() / "embeddings", encoder.identity)
        n = write_seed(path, encoder, recorder.texts)
        print(f"{model}: {n} texts -> {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
