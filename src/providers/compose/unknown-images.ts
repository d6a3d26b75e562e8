import type { ImageRef } from './image-ref.js';

/** What a well-known backing service is and the variable that points an app at one. */
interface KnownService {
  what: string;
  envVar: string;
}

/** Backing services common in Compose files, by the last part of the image name. */
const KNOWN: Readonly<Record<string, KnownService>> = {
  mongo: { what: 'MongoDB server', envVar: 'MONGODB_URL' },
  mongodb: { what: 'MongoDB server', envVar: 'MONGODB_URL' },
  'mongodb-community-server': { what: 'MongoDB server', envVar: 'MONGODB_URL' },
  elasticsearch: { what: 'Elasticsearch server', envVar: 'ELASTICSEARCH_URL' },
  opensearch: { what: 'OpenSearch server', envVar: 'ELASTICSEARCH_URL' },
  rabbitmq: { what: 'RabbitMQ broker', envVar: 'RABBITMQ_URL' },
  kafka: { what: 'Kafka broker', envVar: 'KAFKA_BROKERS' },
  'cp-kafka': { what: 'Kafka broker', envVar: 'KAFKA_BROKERS' },
  minio: { what: 'MinIO (S3) server', envVar: 'S3_ENDPOINT' },
  memcached: { what: 'memcached server', envVar: 'MEMCACHED_URL' },
};

/** Why an image cannot be run, and the variable to set instead when one is known. */
export interface UnknownReason {
  reason: string;
  envVar?: string;
}

/**
 * The message for an image Repo Runner cannot run without Docker: for a well-known backing
 * service (MongoDB, Elasticsearch, RabbitMQ, Kafka, MinIO, memcached) the variable to point
 * the app at one of the user's own; otherwise the `--use-docker` way out.
 *
 * @example
 * unknownImageReason('mongo:7', parseImageRef('mongo:7')).reason;
 * // 'mongo: no MongoDB server on this machine; set MONGODB_URL to use your own'
 */
export function unknownImageReason(image: string, ref: ImageRef): UnknownReason {
  const short = ref.name.split('/').pop() ?? ref.name;
  const known = KNOWN[short];
  if (known) {
    return {
      reason: `${short}: no ${known.what} on this machine; set ${known.envVar} to use your own`,
      envVar: known.envVar,
    };
  }
  return {
    reason: `${image}: no way to run this image without Docker; pass --use-docker when a Docker engine is reachable`,
  };
}
