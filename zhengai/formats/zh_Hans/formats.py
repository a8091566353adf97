# Chinese pages group thousands with a comma, as Chinese reports and official statistics do
# (2,040 人): Django's own zh_Hans format groups nothing.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
