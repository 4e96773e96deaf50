import { connectionTypes } from '../common/connection';
import { Country } from './country.type';

export const { ConnectionType: CountryConnection } = connectionTypes('Country', () => Country);
