import { connectionTypes } from '../common/connection';
import { Event } from './event.type';

export const { ConnectionType: EventConnection } = connectionTypes('Event', () => Event);
