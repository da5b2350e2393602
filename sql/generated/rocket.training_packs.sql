-- Generated from the declaration of rocket/cons/training_packs by `gamestats ddl`: edit the declaration, not this file.
CREATE TABLE rocket.training_packs (
    code text NOT NULL,
    name text,
    creator text,
    difficulty text,
    difficulty_index integer,
    tags text,
    shots integer,
    categories text,
    PRIMARY KEY (code)
);
