create sequence probe_record_seq start with 1 increment by 50;

create table probe_record (
    id bigint primary key,
    label varchar(100) not null unique
);
