"""What services hold between two storage calls: the open transaction (`Session`) and the stored records
storage hands them (members, receipts, vouchers), to read and to pass back.

Services import these names from here, never the table definitions or SQLAlchemy itself: every query
is built in storage (tests/test_architecture.py). The records are still the ORM's objects, so a
service that sets a member's status or debt has it written at the transaction's next flush.
"""

from sqlalchemy.orm import Session as Session

from loyaltycli.storage.models import Member as Member
from loyaltycli.storage.models import Receipt as Receipt
from loyaltycli.storage.models import Voucher as Voucher
