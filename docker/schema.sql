-- The demo tables of sync group `shop`, created in both PostgreSQL sites (postgres-east, postgres-west)
-- by the image's entrypoint on first start (mounted into /docker-entrypoint-initdb.d).
-- Every synced table needs a primary key; Syncline adds its `syncline` schema and a capture trigger per
-- table itself when the connectors start. The tables start empty at every site: rows written before
-- the trigger exists carry no version vector and are not shipped.

CREATE TABLE public.orders (
    id          bigint PRIMARY KEY,
    customer_id uuid,
    status      text NOT NULL DEFAULT 'new',
    total       numeric(12, 2)
);

CREATE TABLE public.stock (
    sku      text PRIMARY KEY,
    quantity bigint NOT NULL
);

CREATE TABLE public.customers (
    id    uuid PRIMARY KEY,
    name  text,
    email text
);
