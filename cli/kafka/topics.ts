import { Admin } from '@platformatic/kafka';

/** Creates the topics that do not exist yet (replication factor 1: the local broker is one node). */
export async function ensureTopics(brokers: string[], topics: string[], partitions = 1): Promise<string[]> {
  const admin = new Admin({ clientId: 'mlcycle-dev-admin', bootstrapBrokers: brokers });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, partitions, replicas: 1 });
    return missing;
  } finally {
    await admin.close();
  }
}
