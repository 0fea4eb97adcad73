import type { AuditRecordResolvers } from '../__generated__/resolvers.ts';
import { roleEnum } from './ApiKey.ts';

export const AuditRecord: AuditRecordResolvers = {
  sequence: (record) => String(record.seq),
  actorRole: (record) => roleEnum(record.actorRole),
};
