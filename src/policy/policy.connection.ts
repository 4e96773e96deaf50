import { connectionTypes } from '../common/connection';
import { Policy } from './policy.type';

export const { ConnectionType: PolicyConnection } = connectionTypes('Policy', () => Policy);
