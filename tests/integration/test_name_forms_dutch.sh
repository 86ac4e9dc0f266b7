#!/bin/bash
# A Dutch municipality's callers (black-box report bb8): names written the
# ways a Dutch recorder or CRM writes them, on one phone line each, name one
# data subject when they are one person, so that one person's objection,
# consent withdrawal and Art. 15 answer reach all their calls.  "Mw." is
# the usual Dutch short form of mevrouw (beside Mevr.), and drs. and ir.
# are Dutch degrees written before the name (as Dr. and Ing. are); read as
# a first name they give another initial, and the person is split in two.
# So is a name whose family name comes first with its tussenvoegsel in
# front ("Van der Berg, Jan"), and one followed by a degree (MSc).
# numbered_call counts days of November: 30 calls at most.
. "$(dirname "$0")/lib.sh"

make_register "$T_TMP/a"
SPOOL=$T_TMP/spool
mkdir -p "$SPOOL"

# Controls: what recfs already reads.
numbered_call "Fatima el Amrani" "+358401120001"
numbered_call "Mevr. F. el Amrani" "+358401120001"
same_subject "Fatima el Amrani and Mevr. F. el Amrani are one subject"
numbered_call "Jan van der Berg" "+358401120002"
numbered_call "Berg, Jan van der" "+358401120002"
same_subject "Jan van der Berg and Berg, Jan van der are one subject"

# Mw. is mevrouw.
numbered_call "Fatima el Amrani" "+358401120003"
numbered_call "Mw. F. el Amrani" "+358401120003"
same_subject "Fatima el Amrani and Mw. F. el Amrani are one subject"
numbered_call "Mw. el Amrani" "+358401120004"
numbered_call "Dhr. el Amrani" "+358401120004"
two_subjects "Mw. el Amrani and Dhr. el Amrani on one line are two subjects"

# drs. and ir. are degrees, not initials.
numbered_call "Sanne de Vries-Bakker" "+358401120005"
numbered_call "drs. S. de Vries-Bakker" "+358401120005"
same_subject "Sanne de Vries-Bakker and drs. S. de Vries-Bakker are one subject"
numbered_call "Sanne de Vries-Bakker" "+358401120006"
numbered_call "ir. S. de Vries-Bakker" "+358401120006"
same_subject "Sanne de Vries-Bakker and ir. S. de Vries-Bakker are one subject"

# A degree written after the name, as Dutch letters and e-mail signatures
# do since the bachelor-master system (MSc, MA, LLM, BSc).  recfs-manifest(5)
# keeps the last word as the family name on purpose for "Jr." (John Smith
# Jr. is another person than John Smith), but a degree names no other
# person: read as the family name it splits one caller in two.
numbered_call "Jan van der Berg" "+358401120009"
numbered_call "J. van der Berg MSc" "+358401120009"
same_subject "Jan van der Berg and J. van der Berg MSc are one subject"

# The family name first, a comma after it, with its tussenvoegsel in front
# (recfs-manifest(5): "Berg, Anna ... is Anna Berg").
numbered_call "Sanne de Vries-Bakker" "+358401120007"
numbered_call "De Vries-Bakker, S." "+358401120007"
same_subject "Sanne de Vries-Bakker and De Vries-Bakker, S. are one subject"
numbered_call "Jan van der Berg" "+358401120008"
numbered_call "Van der Berg, Jan" "+358401120008"
same_subject "Jan van der Berg and Van der Berg, Jan are one subject"

# What the report saw split as well: degrees in any combination, Mej.,
# and "Vd" for "van der".
numbered_call "Jan van der Berg" "+358401120010"
numbered_call "prof. dr. ir. J. van der Berg" "+358401120010"
same_subject "Jan van der Berg and prof. dr. ir. J. van der Berg are one subject"
numbered_call "Fatima el Amrani" "+358401120011"
numbered_call "Mej. F. el Amrani" "+358401120011"
same_subject "Fatima el Amrani and Mej. F. el Amrani are one subject"
numbered_call "Jan van der Berg" "+358401120012"
numbered_call "Vd Berg, J." "+358401120012"
same_subject "Jan van der Berg and Vd Berg, J. are one subject"

# Two people stay two: another given name after a degree, a family name
# that is also a degree's letters (Ma), a man and a woman of one family.
numbered_call "Bert van der Berg" "+358401120013"
numbered_call "J. van der Berg MSc" "+358401120013"
two_subjects "Bert van der Berg and J. van der Berg MSc on one line are two subjects"
numbered_call "Wei Jun" "+358401120014"
numbered_call "Wei Jun MA" "+358401120014"
two_subjects "Wei Jun and Wei Jun MA (family name Ma) on one line are two subjects"
numbered_call "Dhr. Van Dijk" "+358401120015"
numbered_call "Mw. van Dijk" "+358401120015"
two_subjects "Dhr. Van Dijk and Mw. van Dijk on one line are two subjects"

t_done
