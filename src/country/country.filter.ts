import { Field, InputType } from 'type-graphql';
import { PolicyCategory, PolicyStatus } from '../common/enums';
import { DEFAULT_NATIONALITY } from '../common/nationality';

@InputType({ description: 'All conditions must hold; an absent condition matches everything.' })
export class CountryFilter {
  @Field(() => String, { nullable: true, description: 'UN M49 region or sub-region, any case: "Europe", "Central Asia".' })
  region?: string | null;
  @Field(() => PolicyStatus, { nullable: true, description: 'Countries with a policy of this status in force today.' })
  status?: PolicyStatus | null;
  @Field(() => PolicyCategory, {
    nullable: true,
    description: 'With status: only policies of this category count. Alone: countries with a policy of this category in force today.',
  })
  category?: PolicyCategory | null;
  @Field(() => String, { nullable: true, description: 'Part of the name or code, any case and accents: "aland" finds Åland Islands.' })
  search?: string | null;
  @Field(() => String, { nullable: true, description: `The nationality whose policies status and category refer to; "${DEFAULT_NATIONALITY}" by default.` })
  nationality?: string | null;
}
