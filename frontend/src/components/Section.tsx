import type { ReactNode } from 'react';
import Heading from '@atlaskit/heading';
import { Stack } from '@atlaskit/primitives/compiled';

/** Section is a titled block of a page or panel. */
export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id}>
      <Stack space="space.100">
        <Heading size="xsmall" as="h3" id={id}>
          {title}
        </Heading>
        {children}
      </Stack>
    </section>
  );
}
