-- The same tables for the MariaDB site (mariadb-north), in database `shop`. MariaDB sites are not synced
-- by this build yet: the compose file starts the server with the binlog settings capture will need, so
-- the mesh is ready once MariaDB support lands.

CREATE TABLE orders (
    id          bigint PRIMARY KEY,
    customer_id uuid,
    status      varchar(32) NOT NULL DEFAULT 'new',
    total       decimal(12, 2)
);

CREATE TABLE stock (
    sku      varchar(64) PRIMARY KEY,
    quantity bigint NOT NULL
);

CREATE TABLE customers (
    id    uuid PRIMARY KEY,
    name  text,
    email text
);
