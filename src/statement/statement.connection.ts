import { connectionTypes } from '../common/connection';
import { Statement } from './statement.type';

export const { ConnectionType: StatementConnection } = connectionTypes('Statement', () => Statement);
